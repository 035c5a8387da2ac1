"""The configuration (config.toml): `load_config` reads and checks it; a mistake is a ConfigError naming the file,
the key and the reason. `model` holds what the rest of the code sees, `load` the generic keys and kinds' options,
`subscriptions` what depends on the rest of the file."""

from .load import check_config, config_path, load_config, parse_config
from .model import (
    DEFAULT_REMIND_DAYS,
    Config,
    ConfigError,
    NotifyConfig,
    SourceConfig,
    SubscriptionConfig,
    TopicConfig,
)
from .subscriptions import apprise_url_problem, redact

__all__ = ["DEFAULT_REMIND_DAYS", "Config", "ConfigError", "NotifyConfig", "SourceConfig", "SubscriptionConfig",
           "TopicConfig", "apprise_url_problem", "check_config", "config_path", "load_config", "parse_config", "redact"]
