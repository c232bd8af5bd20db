from django.urls import path

from agent import views

app_name = "agent"
urlpatterns = [
    path("", views.script_index, name="script_list"),
    path("<int:pk>/", views.script_detail, name="script_detail"),
]
