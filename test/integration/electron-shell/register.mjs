// Registers hooks.mjs: `node --import ./register.mjs …` runs a bundle against the fake Electron.
import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
