/*
 * The shell's auth service, in place of frontend-platform's AxiosJwtAuthService (8.7.1,
 * auth/AxiosJwtAuthService.js). What the learning MFE's requests go through is kept, with frontend-platform's own
 * code: an axios client with credentials, its CSRF interceptor (a token from the LMS's CSRF_TOKEN_API_PATH,
 * edx-drf-extensions' csrf app, on post/put/patch/delete) and its error interceptor (processAxiosError: an error
 * message "Axios Error (Response): <status> ...", the response in error.customAttributes). What is left out is the
 * JWT cookie and its refresh: the sandbox signs learners in with Django's session cookie, which the LMS's
 * endpoints accept as well (SessionAuthentication).
 */
import axios from 'axios';
import AxiosCsrfTokenService from '@edx/frontend-platform/auth/AxiosCsrfTokenService';
import createCsrfTokenProviderInterceptor
  from '@edx/frontend-platform/auth/interceptors/createCsrfTokenProviderInterceptor';
import createProcessAxiosRequestErrorInterceptor
  from '@edx/frontend-platform/auth/interceptors/createProcessAxiosRequestErrorInterceptor';

const CSRF_PROTECTED_METHODS = ['post', 'put', 'patch', 'delete'];

export default class ShellAuthService {
  constructor({ config, loggingService }) {
    this.config = config;
    this.loggingService = loggingService;
    this.authenticatedUser = null;
    this.csrfTokenService = new AxiosCsrfTokenService(config.CSRF_TOKEN_API_PATH);
    this.httpClient = axios.create({ withCredentials: true });
    this.httpClient.interceptors.request.use(createCsrfTokenProviderInterceptor({
      csrfTokenService: this.csrfTokenService,
      CSRF_TOKEN_API_PATH: config.CSRF_TOKEN_API_PATH,
      shouldSkip: ({ method, isCsrfExempt }) => isCsrfExempt || !CSRF_PROTECTED_METHODS.includes(method),
    }));
    this.httpClient.interceptors.response.use(
      (response) => response,
      createProcessAxiosRequestErrorInterceptor({ loggingService }),
    );
  }

  getAuthenticatedHttpClient() { return this.httpClient; }

  getHttpClient() { return this.httpClient; }

  getAuthenticatedUser() { return this.authenticatedUser; }

  setAuthenticatedUser(user) { this.authenticatedUser = user; }

  /** The signed-in learner, from the LMS (/api/user/v1/me), or null. */
  async fetchAuthenticatedUser() {
    try {
      const { data } = await this.httpClient.get(`${this.config.LMS_BASE_URL}/api/user/v1/me`);
      this.authenticatedUser = {
        userId: data.id, username: data.username, administrator: Boolean(data.is_staff), roles: [],
      };
    } catch (error) {
      this.authenticatedUser = null;
    }
    return this.authenticatedUser;
  }

  async ensureAuthenticatedUser(redirectUrl) {
    const user = await this.fetchAuthenticatedUser();
    if (user === null) { this.redirectToLogin(redirectUrl); }
    return user;
  }

  async hydrateAuthenticatedUser() {}

  getLoginRedirectUrl(redirectUrl) {
    return `${this.config.LOGIN_URL}?next=${encodeURIComponent(redirectUrl)}`;
  }

  redirectToLogin(redirectUrl) { global.location.assign(this.getLoginRedirectUrl(redirectUrl)); }

  getLogoutRedirectUrl() { return this.config.LOGOUT_URL; }

  redirectToLogout() { global.location.assign(this.getLogoutRedirectUrl()); }

  applyMiddleware() {}
}
