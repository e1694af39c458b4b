from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from accounts import identity, ownparts
        from core.cache import cache_recovered

        ownparts.register()
        member = get_user_model()
        for signal in (post_save, post_delete):
            signal.connect(identity.moved, sender=member, dispatch_uid=f"identity-{signal}")
        cache_recovered.connect(identity.after_an_outage, dispatch_uid="identity-outage")
