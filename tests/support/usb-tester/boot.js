/**
 * Where `usb` comes from: with `#ferry=<server>&link=<share link>`, Ferry's (imported from that server,
 * another origin); without, `navigator.usb`.
 */
import { startUsbTester } from './tester.js';

async function usbForThisPage() {
  const params = new URLSearchParams(location.hash.slice(1));
  const ferry = params.get('ferry');
  if (!ferry) return navigator.usb;
  const { connectUSB } = await import(new URL('/ferry-hid.js', ferry).href);
  return connectUSB(params.get('link'), { name: 'USB tester' });
}

usbForThisPage().then(
  (usb) => startUsbTester(usb, document),
  (error) => {
    document.getElementById('status').textContent = `${error.name}: ${error.message}`;
  },
);
