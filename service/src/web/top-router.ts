import Router from '@koa/router';
import { METHODS } from 'node:http';

/**
 * The router an app mounts with its `allowedMethods()`. @koa/router answers 501 for a method outside its
 * list, which counts as a server error in metrics and alerts although the client chose it (TRACE,
 * PROPFIND, QUERY…). With every method Node's parser accepts on the list, an unrouted method is 405 with
 * `Allow` on a path that has routes, and falls through to 404 on any other.
 */
export function topRouter(): Router {
  return new Router({ methods: METHODS });
}
