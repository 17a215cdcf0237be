// The component layer of the webview (swap point for a component library).
export * from './dom';
export * from './controls';
export * from './marks';
