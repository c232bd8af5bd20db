from django.urls import path

from customers import do_not_call_views, import_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_index, name="list"),
    path("count/", views.customer_match_count, name="match_count"),
    path("export.csv", views.customer_export, name="export"),
    path("import/", import_views.upload, name="import_upload"),
    path("import/<int:pk>/", import_views.detail, name="import_detail"),
    path("import/<int:pk>/start/", import_views.start, name="import_start"),
    path("import/<int:pk>/progress/", import_views.progress, name="import_progress"),
    path("import/<int:pk>/problems.csv", import_views.problems_csv, name="import_problems"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("do-not-call/", do_not_call_views.index, name="do_not_call"),
    path("do-not-call/add/", do_not_call_views.add, name="do_not_call_add"),
    path("do-not-call/upload/", do_not_call_views.upload, name="do_not_call_upload"),
    path("do-not-call/<int:entry_id>/remove/", do_not_call_views.remove, name="do_not_call_remove"),
]
