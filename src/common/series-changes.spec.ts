import { SeriesChange, SeriesChanges } from './series-changes';

describe('SeriesChanges', () => {
  it('tells every subscriber which series changed, or that all did', () => {
    const changes = new SeriesChanges();
    const heard: SeriesChange[][] = [[], []];
    changes.subscribe((change) => heard[0].push(change));
    changes.subscribe((change) => heard[1].push(change));
    changes.publish('BRK.B', '1d');
    changes.publishAll();
    const expected = [{ scope: 'series', symbol: 'BRK.B', timeframe: '1d' }, { scope: 'all' }];
    expect(heard).toEqual([expected, expected]);
  });

  it('keeps telling the others when one subscriber throws', () => {
    const changes = new SeriesChanges();
    const heard: SeriesChange[] = [];
    changes.subscribe(() => {
      throw new Error('broken subscriber');
    });
    changes.subscribe((change) => heard.push(change));
    jest.spyOn(changes['logger'], 'error').mockImplementation(() => undefined);
    expect(() => changes.publish('AAPL', '1m')).not.toThrow();
    expect(heard).toEqual([{ scope: 'series', symbol: 'AAPL', timeframe: '1m' }]);
  });
});

describe('SeriesChanges versions and relay', () => {
  it('moves a series to a new version on each change, leaving other series alone', () => {
    const changes = new SeriesChanges();
    const aapl = changes.version('AAPL', '1m');
    const msft = changes.version('MSFT', '1m');
    changes.publish('AAPL', '1m');
    expect(changes.version('AAPL', '1m')).not.toBe(aapl);
    expect(changes.version('MSFT', '1m')).toBe(msft);
    expect(changes.version('AAPL', '1d')).toBe(changes.version('MSFT', '1d'));
  });

  it('is complete only while relayed, and publishes everything as changed on each connect', () => {
    const changes = new SeriesChanges();
    const heard: SeriesChange[] = [];
    changes.subscribe((change) => heard.push(change));
    expect(changes.complete).toBe(false);
    const before = changes.version('AAPL', '1m');
    changes.setRelayed(true);
    expect(changes.complete).toBe(true);
    expect(changes.version('AAPL', '1m')).not.toBe(before);
    changes.setRelayed(true);
    changes.setRelayed(false);
    expect(changes.complete).toBe(false);
    changes.setRelayed(true);
    expect(heard).toEqual([{ scope: 'all' }, { scope: 'all' }]);
  });
});
