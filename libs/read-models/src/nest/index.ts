/** The read models on Nest: the module that runs every projection in the process that imports it. */
export { ProjectionsModule } from './projections.module.js';
