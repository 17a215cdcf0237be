/**
 * The embedded Finesse simulator lives in core/simulator (REST, Notification Service, BOSH,
 * gadget files, scenarios); replay and the tools that start it import it from here as before.
 */
export { FinesseSimulator } from '../simulator/simulator';
