from django.urls import path

from agent import views

app_name = "agent"
urlpatterns = [
    path("", views.script_index, name="script_list"),
    path("new/", views.script_new, name="script_new"),
    path("from-library/<slug:key>/", views.script_from_template, name="script_from_template"),
    path("voices/", views.voice_index, name="voice_list"),
    path("<int:pk>/", views.script_detail, name="script_detail"),
    path("<int:pk>/edit/", views.script_edit, name="script_edit"),
    path("<int:pk>/default/", views.script_default, name="script_default"),
    path("<int:pk>/preview/<slug:line>.wav", views.script_preview, name="script_preview"),
]
