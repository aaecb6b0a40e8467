/** GPU nodes for end-to-end tests: a simulated node that outlives the service, and the shell canary for real ones. */
export { shellCanary } from './shell-canary.js';
export { startTestGpuNode, type TestGpuNode } from './test-gpu-node.js';
