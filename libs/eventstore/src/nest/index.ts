/** The event store on Nest's CQRS bus: one command type and one handler for every aggregate. */
export { DecideCommand, DecideCommandHandler } from './decide.command.js';
