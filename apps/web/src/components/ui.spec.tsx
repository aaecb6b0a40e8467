import { jest } from '@jest/globals';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { Highlighted, Link, ProblemNotice, SearchBox, StarRating } from './ui';

describe('StarRating', () => {
  it('is a radio group: choosing a star rates, choosing the chosen star again clears', () => {
    const rated: (number | null)[] = [];
    const { rerender } = render(<StarRating value={null} label="Rating" onRate={(rating) => rated.push(rating)} />);
    expect(screen.getByRole('radiogroup', { name: 'Rating' })).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: '4 stars' }));
    rerender(<StarRating value={4} label="Rating" onRate={(rating) => rated.push(rating)} />);
    expect(screen.getByRole('radio', { name: '4 stars' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getAllByRole('radio').map((star) => star.className)).toEqual(['star on', 'star on', 'star on', 'star on', 'star']);
    fireEvent.click(screen.getByRole('radio', { name: '4 stars' }));
    expect(rated).toEqual([4, null]);
  });

  it('without a handler is one image that says the rating in words', () => {
    render(<StarRating value={3} label="Rating" />);
    expect(screen.getByRole('img', { name: 'Rating: 3 of 5 stars' })).toBeTruthy();
    expect(screen.queryAllByRole('radio')).toHaveLength(0);
  });

  it('disabled while a rating is being saved', () => {
    const rated: (number | null)[] = [];
    render(<StarRating value={2} label="Rating" disabled onRate={(rating) => rated.push(rating)} />);
    fireEvent.click(screen.getByRole('radio', { name: '5 stars' }));
    expect(rated).toEqual([]);
  });
});

describe('Highlighted', () => {
  it('marks the matched ranges and keeps the rest as text', () => {
    const { container } = render(<Highlighted text="a foggy harbour at dawn" ranges={[{ start: 2, end: 7 }, { start: 19, end: 23 }]} />);
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['foggy', 'dawn']);
    expect(container.textContent).toBe('a foggy harbour at dawn');
  });
});

describe('SearchBox', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports once after a pause in typing, not once per key', () => {
    const reported: string[] = [];
    function Host() {
      const [value, setValue] = useState('');
      return <SearchBox label="Search" value={value} onChange={(next) => (reported.push(next), setValue(next))} />;
    }
    render(<Host />);
    const box = screen.getByLabelText('Search');
    for (const typed of ['f', 'fo', 'fog']) {
      fireEvent.change(box, { target: { value: typed } });
      act(() => jest.advanceTimersByTime(100));
    }
    expect(reported).toEqual([]);
    act(() => jest.advanceTimersByTime(250));
    expect(reported).toEqual(['fog']);
  });

  it('shows a value set from outside (back, a shared link) instead of what was typed', () => {
    const { rerender } = render(<SearchBox label="Search" value="harbour" onChange={() => undefined} />);
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('harbour');
    rerender(<SearchBox label="Search" value="dawn" onChange={() => undefined} />);
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('dawn');
  });
});

describe('ProblemNotice', () => {
  it('is an alert naming each invalid field, and nothing at all without a message', () => {
    const { rerender, container } = render(<ProblemNotice message={null} />);
    expect(container.innerHTML).toBe('');
    rerender(<ProblemNotice message="The prompt is not valid" fields={[{ field: 'inputDir', problem: 'has no color.mp4' }]} />);
    expect(screen.getByRole('alert').textContent).toBe('The prompt is not validinputDir: has no color.mp4');
  });
});

describe('Link', () => {
  it('navigates in place on a plain click and leaves a modified click to the browser (new tab)', () => {
    history.replaceState(null, '', '/');
    jest.spyOn(window, 'scrollTo').mockImplementation(() => undefined); // jsdom has no layout
    render(<Link to="/runs/rs_1">run</Link>);
    const link = screen.getByRole('link', { name: 'run' });
    expect(fireEvent.click(link, { ctrlKey: true })).toBe(true); // not prevented
    expect(location.pathname).toBe('/');
    expect(fireEvent.click(link)).toBe(false); // prevented: no reload
    expect(location.pathname).toBe('/runs/rs_1');
  });
});
