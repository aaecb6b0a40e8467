import { runProcess } from '../../api/src/run-process.js';

void runProcess({ role: 'worker' });
