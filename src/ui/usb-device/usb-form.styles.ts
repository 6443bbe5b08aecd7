import { css } from 'lit';

/** The control and transfer forms' grids (on top of the report forms' look). */
export const usbFormStyles = css`
  .setup {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 0.5rem;
  }
  .setup.wide {
    grid-template-columns: 7rem minmax(0, 1fr);
  }
  .setup.transfer {
    grid-template-columns: minmax(0, 1fr) 6rem;
  }
  label {
    font-size: 0.8rem;
  }
  input:disabled,
  select:disabled {
    opacity: 0.5;
  }
  .hint {
    font-size: 0.8rem;
  }
    .presets {
      flex-wrap: wrap;
      gap: 0.35rem;
      margin-bottom: 0.5rem;
    }
    .presets button {
      min-height: 2rem;
      padding: 0.2rem 0.6rem;
      font-size: 0.8rem;
    }
`;
