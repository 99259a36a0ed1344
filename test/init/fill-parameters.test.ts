// Template parameters: defaults replaced wherever they occur, escaped inside createOptions text.
import { describe, expect, it } from 'vitest';
import { fillParameters } from '../../src/init/fill-parameters.js';

describe('fillParameters', () => {
  it('replaces every occurrence once, escaping inside createOptions strings', () => {
    const root = {
      settings: { createOptions: '{"HostConfig":{"Binds":["/srv/hub:/iotedge/storage"]}}', image: 'localhost:5000/filter:0.0.1-amd64' },
      env: { folder: { value: '/srv/hub' } },
      list: ['/srv/hub', 'other'],
    };
    const counts = fillParameters(root, [
      { from: '/srv/hub', to: 'C:\\edge\\hub' },
      { from: 'localhost:5000/filter:0.0.1-amd64', to: '/srv/hub-image' },
    ]);
    expect(JSON.parse(root.settings.createOptions).HostConfig.Binds).toEqual(['C:\\edge\\hub:/iotedge/storage']);
    expect(root.env.folder.value).toBe('C:\\edge\\hub');
    expect(root.list).toEqual(['C:\\edge\\hub', 'other']);
    expect(root.settings.image).toBe('/srv/hub-image'); // a new value is not replaced again
    expect(Object.fromEntries(counts)).toEqual({ '/srv/hub': 3, 'localhost:5000/filter:0.0.1-amd64': 1 });
  });
});
