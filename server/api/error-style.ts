/** How a route's errors are rendered from a point on; read by the error middleware. */
import type { Response } from 'express';

export type ErrorStyle = 'elasticsearch' | 'unified' | 'sse-elasticsearch' | 'sse-unified';

export const setErrorStyle = (response: Response, style: ErrorStyle): void => {
  response.locals.errorStyle = style;
};
