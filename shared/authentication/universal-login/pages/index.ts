/** The hosted pages (pure rendering, no I/O). LEAD sends each with `pageHeaders(...)`. */
export { renderScreen, type ScreenModel } from '#shared/authentication/universal-login/pages/screen';
export { renderErrorPage } from '#shared/authentication/universal-login/pages/error-page';
export { renderWebMessage } from '#shared/authentication/universal-login/pages/web-message';
export { renderFormPost } from '#shared/authentication/universal-login/pages/form-post';
export { renderLoggedOut } from '#shared/authentication/universal-login/pages/logged-out';
export { pageHeaders, cspSource, type PageHeaderOptions } from '#shared/authentication/universal-login/pages/headers';
export type { InsertionPoint, Partials } from '#shared/authentication/universal-login/pages/partials';
