export { httpStatusOf } from './http-status.js';
export { isKubentlyError, KubentlyError } from './kubently-error.js';
