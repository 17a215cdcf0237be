/**
 * The embedded Finesse simulator lives in core/simulator (REST, Notification Service, BOSH,
 * gadget files, scenarios); replay and the tools that start it import it from here as before.
 */
export { FinesseSimulator } from '../simulator/simulator';
export type { SimulatorOptions, SimulatorEvents, SimulatorUrls, StepEvent, RestCall, Delivery } from '../simulator/simulator';
export { PUBSUB_ERRORS_NS } from '../xmpp/namespaces';
