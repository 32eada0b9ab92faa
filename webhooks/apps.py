from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self):
        from connect_api.events import event_subscribe
        from webhooks.services import deliveries_create_for_event

        event_subscribe("webhooks", deliveries_create_for_event)
