export * from './xliff12.js';
export * from './po.js';
export * from './tmx.js';
export * from './xliff2.js';
