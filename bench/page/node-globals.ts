/**
 * Injected into the page bundle (esbuild `inject`): the Node globals simple-peer expects, as
 * vite.config.ts gives the app. These are the npm polyfill packages, not Node's own modules.
 */
// biome-ignore lint/style/useNodejsImportProtocol: the npm 'buffer' polyfill, bundled for the page
import { Buffer } from 'buffer';
// biome-ignore lint/style/useNodejsImportProtocol: the npm 'process' polyfill, bundled for the page
import process from 'process';

export { Buffer, process };
