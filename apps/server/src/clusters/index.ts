export { ClusterService } from './cluster-service.js';
