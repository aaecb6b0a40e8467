export { makeTestVideo } from './test-videos.js';
