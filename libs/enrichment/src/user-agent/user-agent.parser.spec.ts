import { UserAgentParser } from './user-agent.parser';

const parser = new UserAgentParser();

describe('UserAgentParser', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Safari/537.36',
      { browser: 'Chrome', browserVersion: '124.0.6367.91', os: 'Windows', osVersion: '10', deviceType: 'desktop', isBot: false },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      { browser: 'Mobile Safari', os: 'iOS', osVersion: '17.4', deviceType: 'mobile', isBot: false },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { os: 'iOS', deviceType: 'tablet', isBot: false },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
      { browser: 'Chrome', os: 'Android', osVersion: '14', deviceType: 'mobile', isBot: false },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      { browser: 'Safari', os: 'Mac OS', deviceType: 'desktop', isBot: false },
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
      { browser: 'Firefox', browserVersion: '125.0', os: 'Linux', deviceType: 'desktop', isBot: false },
    ],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { deviceType: 'bot', isBot: true }],
    ['curl/8.5.0', { deviceType: 'bot', isBot: true }],
    ['python-requests/2.31.0', { deviceType: 'bot', isBot: true }],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36', { deviceType: 'bot', isBot: true }],
  ])('reads %s', (userAgent, expected) => {
    expect(parser.parse(userAgent)).toMatchObject(expected);
  });

  it('says unknown rather than guessing for an unrecognisable header', () => {
    expect(parser.parse('¯\\_(ツ)_/¯')).toEqual({ browser: null, browserVersion: null, os: null, osVersion: null, deviceType: 'unknown', isBot: false });
  });

  it('answers repeated headers from its cache with the same result', () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0';
    expect(parser.parse(ua)).toBe(parser.parse(ua));
  });
});
