"""Tokens from a Cognito user pool, as the template's default issuer would make them, from moto's
cognito-idp on a local endpoint: a pool with a resource server named after the MCP endpoint, two
app clients, one user signed in through each.

    python cognito_tokens.py ENDPOINT RESOURCE

Prints one JSON object: the pool's issuer and JWK Set URL (on ENDPOINT), both client ids, and the
user's access and ID tokens from the first client and access token from the second.
"""

import json
import sys

import boto3

endpoint, resource = sys.argv[1], sys.argv[2]
idp = boto3.client(
    "cognito-idp",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
pool = idp.create_user_pool(PoolName="lambda-mcp-test")["UserPool"]["Id"]
idp.create_resource_server(
    UserPoolId=pool,
    Identifier=resource,
    Name="lambda-mcp",
    Scopes=[
        {"ScopeName": "orders:read", "ScopeDescription": "Read orders"},
        {"ScopeName": "orders:cancel", "ScopeDescription": "Cancel orders"},
    ],
)


def client(name):
    return idp.create_user_pool_client(
        UserPoolId=pool, ClientName=name, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]


mcp_client, other_client = client("lambda-mcp"), client("another-app")
idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password="Correct-Horse-9", Permanent=True)


def sign_in(client_id):
    return idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Correct-Horse-9"},
    )["AuthenticationResult"]


mine, theirs = sign_in(mcp_client), sign_in(other_client)
print(
    json.dumps(
        {
            "issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool}",
            "jwks_url": f"{endpoint}/{pool}/.well-known/jwks.json",
            "client_id": mcp_client,
            "access_token": mine["AccessToken"],
            "id_token": mine["IdToken"],
            "other_access_token": theirs["AccessToken"],
        }
    )
)
