"""The action server offers exactly the custom actions the domain names."""

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.settings import PROJECT_ROOT


def test_every_custom_action_in_the_domain_is_registered_and_nothing_else():
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(executor.actions) == set(domain["actions"])
