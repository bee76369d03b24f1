"""The plugin's tests. Importing this package comes before importing any of its helpers."""
import pytest

# The shared helpers assert too: pytest rewrites their asserts as it does the tests' (registered before they load).
pytest.register_assert_rewrite('tests.helpers', 'tests.crypto_helpers', 'tests.browser.helpers')
