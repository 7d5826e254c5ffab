import { openRoute } from '#shared/http/handler';
import { clientSettings, clientSettingsScript } from '#shared/authentication/lock/client-settings';

/**
 * GET /client/{client_id}.js: Lock's client settings script. Lock appends `?t<timestamp>` to
 * defeat caches; the query is ignored. A short public cache: a change shows within a minute.
 */
export const handler = openRoute('lock-client-settings', async ({ params }) => ({
  text: clientSettingsScript(await clientSettings(params.file ?? '')),
  headers: {
    'content-type': 'application/javascript; charset=utf-8',
    'cache-control': 'public, max-age=60',
    'x-content-type-options': 'nosniff',
  },
}));
