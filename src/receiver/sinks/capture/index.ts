/**
 * `ferry receive --capture FILE`: USB-level traffic as pcapng with Linux usbmon records. The encoder
 * (pcapng-layout, usbmon-layout, usbmon-writer) is platform-free; the sink writes the file.
 */

export {
  BlockType,
  EnhancedPacket,
  InterfaceDescription,
  OptionCode,
  SectionHeader,
} from './pcapng-layout.ts';
export { CaptureSink, type CaptureSinkOptions } from './sink.ts';
export {
  LINKTYPE_USB_LINUX_MMAPPED,
  UsbmonEvent,
  UsbmonHeader,
  UsbmonIsoDescriptor,
  UsbmonTransfer,
} from './usbmon-layout.ts';
export { emptyRecord, UsbmonPcapngWriter, type UsbmonRecord } from './usbmon-writer.ts';
