// The extension ↔ webview protocol: message unions, DTOs and the host-side hook types.
export * from './messages';
export * from './actions';
export { FILTER_HELP } from './filterHelp';
