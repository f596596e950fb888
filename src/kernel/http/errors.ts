/** Errors that carry an HTTP meaning. Pages show them as GOV.UK error pages, the API as problem+json. */
export interface FieldError {
  /** The form field or JSON property, e.g. `email` or `items.0.title`. */
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message?: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message ?? title);
  }
}

export class NotFoundError extends HttpError {
  constructor(detail = 'There is nothing at this address.') {
    super(404, 'Page not found', detail);
  }
}

export class ForbiddenError extends HttpError {
  constructor(detail = 'You do not have permission to do this.') {
    super(403, 'You do not have permission', detail);
  }
}

export class UnauthorisedError extends HttpError {
  constructor(detail = 'Sign in to continue.') {
    super(401, 'Sign in required', detail);
  }
}

export class ValidationError extends HttpError {
  constructor(fieldErrors: FieldError[], detail = 'Some of the information given is not valid.') {
    super(400, 'There is a problem', detail, fieldErrors);
  }
}

export class ConflictError extends HttpError {
  constructor(detail: string, fieldErrors: FieldError[] = []) {
    super(409, 'There is a conflict', detail, fieldErrors);
  }
}
