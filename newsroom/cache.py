"""The local cache backend: Django's file cache, with counters that keep their
expiry.

Django's FileBasedCache inherits incr() from BaseCache, which rewrites the value
with the *default* timeout: a counter opened for an hour (the submit form's quota)
would expire five minutes after its last increment, or never. Local memory and
Redis keep the expiry; this does the same, under the file lock touch() uses.
"""

import pickle
import zlib

from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class SharedFileCache(FileBasedCache):
    def incr(self, key, delta=1, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                locks.lock(f, locks.LOCK_EX)
                try:
                    if self._is_expired(f):
                        raise ValueError(f"Key '{key}' not found")
                    f.seek(0)
                    # The cache's own files, written by set(): as trusted as
                    # Django's FileBasedCache takes them to be.
                    expiry = pickle.load(f)  # noqa: S301
                    value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301
                    value += delta
                    f.seek(0)
                    f.write(pickle.dumps(expiry, self.pickle_protocol))
                    f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
                    f.truncate()
                    return value
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            raise ValueError(f"Key '{key}' not found") from None
