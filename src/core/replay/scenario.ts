/** Scenarios moved to core/simulator with the rest of the local Finesse. */
export { defaultScenario, idleScenario, parseScenario, ScenarioError, DEFAULT_USER, TEAMMATE } from '../simulator/scenario';
export type { Scenario, ScenarioStep, ScenarioAction } from '../simulator/scenario';
