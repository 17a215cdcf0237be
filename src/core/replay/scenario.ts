/** Scenarios moved to core/simulator with the rest of the local Finesse. */
export { idleScenario } from '../simulator/scenario';
