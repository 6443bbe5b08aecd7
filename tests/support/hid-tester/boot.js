/**
 * The one line that differs from a page using the browser's own WebHID: where `hid` comes from. With
 * `#ferry=<server>&link=<share link>` it is Ferry's, imported from that server (another origin);
 * without, it is `navigator.hid`.
 */
import { startTester } from './tester.js';

async function hidForThisPage() {
  const params = new URLSearchParams(location.hash.slice(1));
  const ferry = params.get('ferry');
  if (!ferry) return navigator.hid;
  const { connect } = await import(new URL('/ferry-hid.js', ferry).href);
  return connect(params.get('link'), { name: 'HID tester' });
}

hidForThisPage().then(
  (hid) => startTester(hid, document),
  (error) => {
    document.getElementById('status').textContent = `${error.name}: ${error.message}`;
  },
);
