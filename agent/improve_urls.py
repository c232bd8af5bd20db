from django.urls import path

from agent import improve_views

app_name = "improve"
urlpatterns = [
    path("", improve_views.improve_page, name="page"),
    path("teach/", improve_views.teach, name="teach"),
    path("teachings/<int:pk>/withdraw/", improve_views.withdraw, name="withdraw"),
]
