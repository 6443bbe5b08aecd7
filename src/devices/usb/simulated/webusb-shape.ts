/** WebUSB's USBConfiguration / USBInterface / USBAlternateInterface / USBEndpoint objects from descriptors. */
import type { UsbAlternateInfo, UsbConfigurationInfo, UsbDescriptorSet } from '../../../protocol/index.ts';

/** A bcdUSB / bcdDevice value as WebUSB's major, minor and subminor version fields. */
export const bcd = (value: number) => [value >> 8, (value >> 4) & 0x0f, value & 0x0f] as const;

/** The live state a USBInterface reflects (`claimed`, `alternate`). */
export interface InterfaceState {
  isClaimed(configurationValue: number, interfaceNumber: number): boolean;
  selectedAlternate(configurationValue: number, interfaceNumber: number): number;
}

const ENDPOINT_TYPES = { bulk: 'bulk', interrupt: 'interrupt', isochronous: 'isochronous' } as const;

function alternateShape(alternate: UsbAlternateInfo, names: UsbDescriptorSet): USBAlternateInterface {
  return {
    alternateSetting: alternate.alternateSetting,
    interfaceClass: alternate.interfaceClass,
    interfaceSubclass: alternate.interfaceSubclass,
    interfaceProtocol: alternate.interfaceProtocol,
    interfaceName: names.string(alternate.nameIndex) ?? null,
    endpoints: alternate.endpoints
      .filter((endpoint) => endpoint.kind !== 'control')
      .map((endpoint) => ({
        endpointNumber: endpoint.address & 0x0f,
        direction: endpoint.address & 0x80 ? 'in' : 'out',
        type: ENDPOINT_TYPES[endpoint.kind as keyof typeof ENDPOINT_TYPES],
        packetSize: endpoint.packetSize,
      })),
  };
}

export function configurationShape(
  configuration: UsbConfigurationInfo,
  names: UsbDescriptorSet,
  state: InterfaceState,
): USBConfiguration {
  const value = configuration.configurationValue;
  return {
    configurationValue: value,
    configurationName: names.string(configuration.nameIndex) ?? null,
    interfaces: configuration.interfaces.map((iface) => {
      const alternates = iface.alternates.map((alternate) => alternateShape(alternate, names));
      return {
        interfaceNumber: iface.interfaceNumber,
        alternates,
        get alternate() {
          const setting = state.selectedAlternate(value, iface.interfaceNumber);
          return alternates.find((alternate) => alternate.alternateSetting === setting) ?? alternates[0]!;
        },
        get claimed() {
          return state.isClaimed(value, iface.interfaceNumber);
        },
      };
    }),
  };
}
