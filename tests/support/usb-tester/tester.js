/**
 * An ordinary WebUSB tester app, written against the W3C draft (https://wicg.github.io/webusb/) and
 * nothing else: it picks a device, opens it, selects a configuration, claims an interface, and runs
 * vendor control transfers and bulk transfers. It takes the `usb` object it is given.
 */

const hex = (view) =>
  Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');

const bytesOf = (text) =>
  Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

const ids = (device) =>
  `${device.vendorId.toString(16).padStart(4, '0')}:${device.productId.toString(16).padStart(4, '0')}`;

/** What a page learns of a configuration: its interfaces, alternates and endpoints. */
const shape = (configuration) => ({
  value: configuration.configurationValue,
  interfaces: configuration.interfaces.map((iface) => ({
    number: iface.interfaceNumber,
    alternates: iface.alternates.map((alternate) => ({
      setting: alternate.alternateSetting,
      class: alternate.interfaceClass,
      endpoints: alternate.endpoints.map(
        (e) => `${e.type} ${e.direction} ${e.endpointNumber} ${e.packetSize}`,
      ),
    })),
  })),
});

export function startUsbTester(usb, document) {
  const $ = (id) => document.getElementById(id);
  let selected;
  const show = (id, text) => {
    $(id).textContent = text;
  };
  const number = (id) => Number($(id).value);

  const refresh = async () => {
    const devices = await usb.getDevices();
    $('devices').replaceChildren(
      ...devices.map((device) => {
        const item = document.createElement('li');
        item.textContent = `${device.productName} ${ids(device)}`;
        return item;
      }),
    );
  };

  const attempt = (output, action) => async () => {
    show(output, '…');
    try {
      show(output, (await action()) ?? 'ok');
    } catch (error) {
      show(output, `${error.name}: ${error.message}`);
    }
  };

  const logEvent = (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.type} ${event.device.productName}`;
    $('events').append(item);
    void refresh();
  };
  usb.addEventListener('connect', logEvent);
  usb.ondisconnect = logEvent;

  const setup = () => ({
    requestType: 'vendor',
    recipient: 'device',
    request: Number.parseInt($('control-request').value, 16),
    value: number('control-value'),
    index: 0,
  });

  $('request').addEventListener(
    'click',
    attempt('status', async () => {
      selected = await usb.requestDevice({
        filters: [{ vendorId: Number.parseInt($('vendor-filter').value, 16) }],
      });
      show('device-name', selected.productName);
      show('device-ids', ids(selected));
      show('configurations', JSON.stringify(selected.configurations.map(shape)));
      await refresh();
      return 'picked';
    }),
  );
  $('open').addEventListener(
    'click',
    attempt('setup-result', () => selected.open()),
  );
  $('select-configuration').addEventListener(
    'click',
    attempt('setup-result', async () => {
      await selected.selectConfiguration(number('configuration'));
      return `configuration ${selected.configuration.configurationValue}`;
    }),
  );
  $('claim').addEventListener(
    'click',
    attempt('setup-result', async () => {
      await selected.claimInterface(number('interface'));
      return `claimed ${number('interface')}`;
    }),
  );
  $('control-in').addEventListener(
    'click',
    attempt('control-result', async () => {
      const result = await selected.controlTransferIn(setup(), number('control-length'));
      return `${result.status} ${hex(result.data)}`;
    }),
  );
  $('control-out').addEventListener(
    'click',
    attempt('control-result', async () => {
      const result = await selected.controlTransferOut(setup(), bytesOf($('control-data').value));
      return `${result.status} ${result.bytesWritten}`;
    }),
  );
  $('transfer-in').addEventListener(
    'click',
    attempt('transfer-result', async () => {
      const result = await selected.transferIn(number('endpoint'), number('transfer-length'));
      return `${result.status} ${hex(result.data)}`;
    }),
  );
  $('transfer-out').addEventListener(
    'click',
    attempt('transfer-result', async () => {
      const result = await selected.transferOut(number('endpoint'), bytesOf($('transfer-data').value));
      return `${result.status} ${result.bytesWritten}`;
    }),
  );

  return refresh().then(() => show('status', 'ready'));
}
