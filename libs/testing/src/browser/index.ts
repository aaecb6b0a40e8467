export { BrowserHarness, type PageRecord } from './browser.harness.js';
