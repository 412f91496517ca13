export { defaultUiRoot, registerUiRoutes } from './ui-routes.js';
