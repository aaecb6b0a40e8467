import { runProcess } from './run-process.js';

// COSMOS_ROLE selects all (default: API + worker in one process), api or worker.
void runProcess();
