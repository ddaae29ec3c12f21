/** The few line icons the dashboard uses (24×24, stroke = currentColor), inline so they cost no requests. */
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ paths, size = 16, ...props }: IconProps & { paths: string[] }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

export const HomeIcon = (props: IconProps) => (
  <Svg paths={['M3 10.5 12 3l9 7.5', 'M5 9.5V21h5v-6h4v6h5V9.5']} {...props} />
);
export const PuzzleIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M14 4a2 2 0 1 0-4 0v2H6a1 1 0 0 0-1 1v4h2a2 2 0 1 1 0 4H5v4a1 1 0 0 0 1 1h4v-2a2 2 0 1 1 4 0v2h4a1 1 0 0 0 1-1v-4h-2a2 2 0 1 1 0-4h2V7a1 1 0 0 0-1-1h-4z',
    ]}
    {...props}
  />
);
export const LinkIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7',
      'M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7',
    ]}
    {...props}
  />
);
export const ListIcon = (props: IconProps) => (
  <Svg paths={['M8 6h13', 'M8 12h13', 'M8 18h13', 'M3 6h.01', 'M3 12h.01', 'M3 18h.01']} {...props} />
);
export const WebhookIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M18 16.98h-5.99c-1.1 0-1.95.94-2.48 1.9A4 4 0 0 1 2 17c.01-.7.2-1.4.57-2',
      'm6 17 3.13-5.78c.53-.97.1-2.18-.5-3.1a4 4 0 1 1 6.89-4.06',
      'm12 6 3.13 5.73C15.66 12.7 16.9 13 18 13a4 4 0 0 1 0 8',
    ]}
    {...props}
  />
);
export const SettingsIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
      'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
    ]}
    {...props}
  />
);
export const UsersIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2',
      'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
      'M22 21v-2a4 4 0 0 0-3-3.9',
      'M16 3.1a4 4 0 0 1 0 7.8',
    ]}
    {...props}
  />
);
export const ScrollIcon = (props: IconProps) => (
  <Svg paths={['M9 4h10v14a2 2 0 0 1-2 2H7', 'M5 4h4v14a2 2 0 1 1-4 0z', 'M13 8h3', 'M13 12h3']} {...props} />
);
export const UserIcon = (props: IconProps) => (
  <Svg paths={['M20 21a8 8 0 0 0-16 0', 'M12 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10z']} {...props} />
);
export const ChevronDownIcon = (props: IconProps) => <Svg paths={['m6 9 6 6 6-6']} {...props} />;
export const ChevronRightIcon = (props: IconProps) => <Svg paths={['m9 6 6 6-6 6']} {...props} />;
export const SunIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10z',
      'M12 1v2',
      'M12 21v2',
      'M4.2 4.2l1.4 1.4',
      'M18.4 18.4l1.4 1.4',
      'M1 12h2',
      'M21 12h2',
      'M4.2 19.8l1.4-1.4',
      'M18.4 5.6l1.4-1.4',
    ]}
    {...props}
  />
);
export const MoonIcon = (props: IconProps) => (
  <Svg paths={['M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z']} {...props} />
);
export const MonitorIcon = (props: IconProps) => (
  <Svg paths={['M4 4h16v12H4z', 'M8 20h8', 'M12 16v4']} {...props} />
);
export const PlusIcon = (props: IconProps) => <Svg paths={['M12 5v14', 'M5 12h14']} {...props} />;
export const CopyIcon = (props: IconProps) => <Svg paths={['M9 9h11v11H9z', 'M5 15H4V4h11v1']} {...props} />;
export const CheckIcon = (props: IconProps) => <Svg paths={['m5 12 5 5L20 7']} {...props} />;
export const AlertIcon = (props: IconProps) => (
  <Svg
    paths={[
      'M12 9v4',
      'M12 17h.01',
      'M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
    ]}
    {...props}
  />
);
export const LogOutIcon = (props: IconProps) => (
  <Svg paths={['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'm16 17 5-5-5-5', 'M21 12H9']} {...props} />
);
export const SearchIcon = (props: IconProps) => (
  <Svg paths={['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16z', 'm21 21-4.3-4.3']} {...props} />
);
export const XIcon = (props: IconProps) => <Svg paths={['M18 6 6 18', 'm6 6 12 12']} {...props} />;
export const KeyIcon = (props: IconProps) => (
  <Svg
    paths={['M15.5 7.5a4.5 4.5 0 1 1-9 0 4.5 4.5 0 0 1 9 0z', 'M11 12l-8 8', 'M6 17l2 2', 'M8 15l2 2']}
    {...props}
  />
);
export const ShieldIcon = (props: IconProps) => (
  <Svg paths={['M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z']} {...props} />
);
export const DownloadIcon = (props: IconProps) => (
  <Svg paths={['M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'm7 10 5 5 5-5', 'M12 15V3']} {...props} />
);
export const LayersIcon = (props: IconProps) => (
  <Svg paths={['m12 2 10 5-10 5L2 7z', 'm2 17 10 5 10-5', 'm2 12 10 5 10-5']} {...props} />
);
