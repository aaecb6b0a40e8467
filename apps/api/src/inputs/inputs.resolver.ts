import { Args, Query, ResolveField, Resolver, Parent } from '@nestjs/graphql';
import { InputVideo } from '../prompts/prompt.model.js';
import { InputCatalogService } from './input-catalog.service.js';
import { InputFolderFilterInput, InputFolderList, InputFolderSortValue } from './input-folder.model.js';
import { inputVideoUrl } from './inputs.controller.js';

@Resolver()
export class InputsResolver {
  constructor(private readonly catalog: InputCatalogService) {}

  @Query(() => InputFolderList, { description: 'The input folders under the inputs root, each probed and checked as createPrompt would (at most 1,000 folders, 4 levels deep).' })
  inputFolders(
    @Args('filter', { type: () => InputFolderFilterInput, nullable: true }) filter: InputFolderFilterInput | null,
    @Args('sort', { type: () => InputFolderSortValue, defaultValue: InputFolderSortValue.newest }) sort: InputFolderSortValue,
  ): Promise<InputFolderList> {
    return this.catalog.list(filter ?? {}, sort);
  }
}

@Resolver(() => InputVideo)
export class InputVideoResolver {
  @ResolveField(() => String, { description: 'Where the video is served (Range requests, for players), relative to the server.' })
  url(@Parent() video: { path: string }): string {
    return inputVideoUrl(video.path);
  }
}
