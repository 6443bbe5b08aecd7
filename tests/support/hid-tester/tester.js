/**
 * An ordinary WebHID tester app, written against the W3C API (https://wicg.github.io/webhid/) and nothing
 * else: it lists devices, opens one, shows its input reports, sends output reports and gets and sets
 * feature reports. It takes the `hid` object it is given (navigator.hid, or Ferry's) and never asks which.
 */

const hex = (view) =>
  Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');

const bytesOf = (text) =>
  Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

const describe = (device) =>
  `${device.productName} ${device.vendorId.toString(16).padStart(4, '0')}:${device.productId
    .toString(16)
    .padStart(4, '0')}${device.opened ? ' (open)' : ''}`;

const failure = (error) => `${error.name}: ${error.message}`;

export function startTester(hid, document) {
  const $ = (id) => document.getElementById(id);
  let devices = [];
  let selected;
  let reportCount = 0;

  const show = (id, text) => {
    $(id).textContent = text;
  };

  const renderDevices = () => {
    $('devices').replaceChildren(
      ...devices.map((device) => {
        const item = document.createElement('li');
        item.textContent = describe(device);
        return item;
      }),
    );
  };

  const select = (device) => {
    selected = device;
    show('device-name', device?.productName ?? '');
    show('device-ids', device ? describe(device) : '');
    show('collections', device ? JSON.stringify(device.collections) : '');
  };

  const refresh = async () => {
    devices = await hid.getDevices();
    renderDevices();
    if (selected && !devices.includes(selected)) select(undefined);
  };

  const onInputReport = (event) => {
    reportCount += 1;
    show('report-count', String(reportCount));
    const item = document.createElement('li');
    item.textContent = `${event.reportId} ${hex(event.data)}`;
    $('reports').append(item);
  };

  const logEvent = (event) => {
    const item = document.createElement('li');
    item.textContent = `${event.type} ${event.device.productName}`;
    $('events').append(item);
    void refresh();
  };

  /** Runs `action`, showing "ok" (or what it returned) or the error's name and message in `output`. */
  const attempt = (output, action) => async () => {
    show(output, '…');
    try {
      const result = await action();
      show(output, result ?? 'ok');
    } catch (error) {
      show(output, failure(error));
    }
    renderDevices();
  };

  hid.addEventListener('connect', logEvent);
  hid.ondisconnect = logEvent;

  $('request').addEventListener(
    'click',
    attempt('status', async () => {
      const vendor = $('vendor-filter').value.trim();
      const filters = vendor ? [{ vendorId: Number.parseInt(vendor, 16) }] : [];
      const picked = await hid.requestDevice({ filters });
      await refresh();
      if (picked[0]) select(picked[0]);
      return `picked ${picked.length}`;
    }),
  );
  $('open').addEventListener(
    'click',
    attempt('open-result', async () => {
      await selected.open();
      selected.oninputreport = onInputReport;
    }),
  );
  $('close').addEventListener(
    'click',
    attempt('open-result', () => selected.close()),
  );
  $('forget').addEventListener(
    'click',
    attempt('open-result', async () => {
      await selected.forget();
      await refresh();
    }),
  );
  $('output-send').addEventListener(
    'click',
    attempt('output-result', () =>
      selected.sendReport(Number($('output-id').value), bytesOf($('output-data').value)),
    ),
  );
  $('feature-get').addEventListener(
    'click',
    attempt('feature-result', async () =>
      hex(await selected.receiveFeatureReport(Number($('feature-id').value))),
    ),
  );
  $('feature-set').addEventListener(
    'click',
    attempt('feature-result', () =>
      selected.sendFeatureReport(Number($('feature-id').value), bytesOf($('feature-data').value)),
    ),
  );

  return refresh().then(() => show('status', 'ready'));
}
