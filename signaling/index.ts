export { createFerryServer, type FerryServer, type FerryServerOptions } from './server.ts';
