import pytest
from django.contrib.auth.models import Group, User

from schools.editors import EDITOR_GROUP_NAME


@pytest.fixture
def editor(db):
    """A regional staff member in the "Rédaction" group, as regional staff would be set up."""
    user = User.objects.create_user(
        "redactrice", "redaction@example.org", "mot-de-passe-solide-42", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITOR_GROUP_NAME))
    return user
