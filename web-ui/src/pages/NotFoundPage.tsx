import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { Empty } from '../components/common';

export function NotFoundPage() {
  return (
    <Empty
      title="Page not found"
      description="There is nothing at this address."
      action={
        <Anchor component={Link} to="/">
          Back to the flags
        </Anchor>
      }
    />
  );
}
