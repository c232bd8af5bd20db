from django.urls import path

from calls import campaign_views, promise_views, views

app_name = "calls"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/entries/", views.queue_entries, name="queue_entries"),
    path("queue/add-all/", views.queue_add_all, name="queue_add_all"),
    path("queue/add/<int:customer_id>/", views.queue_add_one, name="queue_add_one"),
    path("queue/add/", views.queue_add_picked, name="queue_add_picked"),
    path("queue/<int:entry_id>/remove/", views.queue_remove, name="queue_remove"),
    path("queue/clear/", views.queue_clear_all, name="queue_clear"),
    path("queue/call/", views.queue_call, name="queue_call"),
    path("runs/<int:run_id>/<str:action>/", views.run_control, name="run_control"),
    path("calling-rules/", views.calling_rules, name="calling_rules"),
    path("campaigns/", campaign_views.campaign_index, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/<str:action>/", campaign_views.campaign_control, name="campaign_control"),
    path("customers/<int:customer_id>/callback/", promise_views.callback_new, name="callback_new"),
    path("alerts/", promise_views.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/resolve/", promise_views.alert_resolve, name="alert_resolve"),
    path("calls/", views.call_index, name="list"),
    path("calls/export.csv", views.call_export, name="export"),
    path("calls/<uuid:uuid>/", views.call_detail, name="detail"),
    path("calls/<uuid:uuid>/audio/", views.call_audio, name="call_audio"),
    path("calls/<uuid:uuid>/outcome/", views.call_outcome_correct, name="outcome_correct"),
]
