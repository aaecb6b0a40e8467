import { runProcess } from './run-process.js';

void runProcess({ role: 'worker' });
