import { SMART_NAME_STOPWORDS, smartName } from './smart-name.js';

describe('smartName', () => {
  // The predecessor's deterministic fallback outputs (reference §7.1), at the length create-prompt uses.
  it.each([
    ['A futuristic cyberpunk city at night', 'futuristic_cyberpunk_city'],
    ['the cat is on the mat with a hat', 'cat_mat_hat'],
    ['Low-lying mist with gradual falloff', 'low_lying_mist'],
    ['Golden hour light creating long shadows', 'golden_hour_light'],
    ['Heavy rain with water puddles', 'heavy_rain_water'],
    ['A serene lake at sunset', 'serene_lake_sunset'],
    ['Vintage car in garage', 'vintage_car_garage'],
    ['hello мир world', 'hello_world'],
    ['a an the is are', 'sequence'],
    ['The video captures a realistic scene of a city', 'city'],
  ])('names %j as %j', (text, expected) => {
    expect(smartName(text, 30)).toBe(expected);
    expect(smartName(text)).toBe(expected);
  });

  it('drops keywords from the end until the name fits, as `prepare` does at 20', () => {
    expect(smartName('A futuristic cyberpunk city at night', 20)).toBe('futuristic_cyberpunk');
    expect(smartName('A futuristic cyberpunk city at night', 12)).toBe('futuristic');
  });

  it('hard-truncates a single keyword that is still too long', () => {
    expect(smartName('A futuristic cyberpunk city at night', 5)).toBe('futur');
  });

  it('keeps a lone word whatever it is, cut to the length', () => {
    expect(smartName('The', 30)).toBe('the');
    expect(smartName('  Extraordinarily!  ', 5)).toBe('extra');
    expect(smartName('42 мир ok', 30)).toBe('ok');
  });

  it('falls back to "sequence" for blank text or text without keywords', () => {
    expect(smartName('', 30)).toBe('sequence');
    expect(smartName(' \n\t ', 30)).toBe('sequence');
    expect(smartName('мир 123 данные', 30)).toBe('sequence');
    expect(smartName('go to it', 30)).toBe('sequence');
  });

  it('gives an empty name for a zero length, except for blank text (checked first, as before)', () => {
    expect(smartName('A serene lake', 0)).toBe('');
    expect(smartName('', 0)).toBe('sequence');
  });

  it('reads only whole ASCII-letter words, as Python\'s Unicode-aware \\b did', () => {
    expect(smartName('café ocean waves', 30)).toBe('ocean_waves');
    expect(smartName('snake_case words stay apart from ocean', 30)).toBe('words_stay_apart');
    expect(smartName('abc1 forest river', 30)).toBe('forest_river');
  });

  it('refuses a negative or fractional length', () => {
    expect(() => smartName('x', -1)).toThrow(RangeError);
    expect(() => smartName('x', 2.5)).toThrow(RangeError);
  });

  it('uses the 104 stopwords of the predecessor', () => {
    expect(SMART_NAME_STOPWORDS.size).toBe(104);
  });
});
