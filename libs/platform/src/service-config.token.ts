/** Nest token of the app's ServiceConfig (@chat4all/config), provided to every module by PlatformModule. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
